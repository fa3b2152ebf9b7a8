set terminal pngcairo size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'memlat.png'
set title "Memory latency: dependent loads over a random cycle\nhost vm, accelerator tcg, 5 runs per environment"
set logscale x 2
set logscale y 10
set grid xtics ytics lc rgb '#dddddd'
set key left top
set xlabel 'working set (bytes, log2)'
set ylabel 'latency per access (ns, log)'
set format x '%.0b%BB'
set xrange [8192:268435456]
set arrow from 32768, graph 0 to 32768, graph 1 nohead dt 3 lc rgb '#888888'
set label 'L1d' at 32768, graph 0.95 offset 0.5,0 tc rgb '#555555'
set arrow from 1048576, graph 0 to 1048576, graph 1 nohead dt 3 lc rgb '#888888'
set label 'L2' at 1048576, graph 0.95 offset 0.5,0 tc rgb '#555555'
set arrow from 33554432, graph 0 to 33554432, graph 1 nohead dt 3 lc rgb '#888888'
set label 'L3' at 33554432, graph 0.95 offset 0.5,0 tc rgb '#555555'
plot 'memlat.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'native', 'memlat.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'container', 'memlat.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'vm', 'memlat.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'oci-runc', 'memlat.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'oci-crun', 'memlat.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'docker', 'memlat.dat' index 6 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'podman', 'memlat.dat' index 7 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title 'containerd'
set terminal svg size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'memlat.svg'
replot
unset output
