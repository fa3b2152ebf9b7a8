set terminal pngcairo size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'density_launch.png'
set title "Launch latency of the N-th instance with N-1 idle ones alive (launch call to ready; median, 95% CI)\nhost vm, accelerator tcg, 5 runs per environment"
set ylabel 'launch call to ready (ms, log)'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.124:5.41e+03]
plot 'density_launch.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_launch.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_launch.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm', 'density_launch.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 4 title 'oci-runc', 'density_launch.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 5 title 'oci-crun', 'density_launch.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 6 title 'docker', 'density_launch.dat' index 6 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 7 title 'podman', 'density_launch.dat' index 7 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 8 title 'containerd'
set terminal svg size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'density_launch.svg'
replot
unset output
