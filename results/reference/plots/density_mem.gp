set terminal pngcairo size 1400,600 font 'DejaVu Sans,11' noenhanced
set output 'density_mem.png'
set multiplot layout 1,2 title "Memory per instance with N idle instances alive (median, 95% CI)\nhost vm, accelerator tcg, 5 sweeps per environment"
set ylabel 'MiB per instance'
set title 'host memory: MemAvailable drop / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
unset logscale y
set yrange [-46.9:191]
set xzeroaxis lt -1 lc rgb '#888888'
plot 'density_mem.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm', 'density_mem.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 4 title 'oci-runc', 'density_mem.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 5 title 'oci-crun', 'density_mem.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 6 title 'docker', 'density_mem.dat' index 6 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 7 title 'podman', 'density_mem.dat' index 7 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 8 title 'containerd'
set ylabel 'MiB per instance (log)'
set title 'PSS of the instances'' processes / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.0244:465]
plot 'density_mem.dat' index 8 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 9 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 10 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm', 'density_mem.dat' index 11 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 4 title 'oci-runc', 'density_mem.dat' index 12 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 5 title 'oci-crun', 'density_mem.dat' index 13 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 6 title 'docker', 'density_mem.dat' index 14 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 7 title 'podman', 'density_mem.dat' index 15 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 8 title 'containerd'
unset multiplot
unset output
set terminal svg size 1400,600 font 'DejaVu Sans,11' noenhanced
set output 'density_mem.svg'
set multiplot layout 1,2 title "Memory per instance with N idle instances alive (median, 95% CI)\nhost vm, accelerator tcg, 5 sweeps per environment"
set ylabel 'MiB per instance'
set title 'host memory: MemAvailable drop / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
unset logscale y
set yrange [-46.9:191]
set xzeroaxis lt -1 lc rgb '#888888'
plot 'density_mem.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm', 'density_mem.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 4 title 'oci-runc', 'density_mem.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 5 title 'oci-crun', 'density_mem.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 6 title 'docker', 'density_mem.dat' index 6 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 7 title 'podman', 'density_mem.dat' index 7 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 8 title 'containerd'
set ylabel 'MiB per instance (log)'
set title 'PSS of the instances'' processes / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.0244:465]
plot 'density_mem.dat' index 8 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 9 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 10 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm', 'density_mem.dat' index 11 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 4 title 'oci-runc', 'density_mem.dat' index 12 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 5 title 'oci-crun', 'density_mem.dat' index 13 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 6 title 'docker', 'density_mem.dat' index 14 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 7 title 'podman', 'density_mem.dat' index 15 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 8 title 'containerd'
unset multiplot
unset output
