set terminal pngcairo size 2400,560 font 'DejaVu Sans,11' noenhanced
set output 'overhead_mem.png'
set title "Cost versus native: mem workload\nhost vm, accelerator tcg, 5 runs per environment"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics lc rgb '#dddddd'
set xtics rotate by -35 nomirror
set key outside top center horizontal
set ylabel 'cost factor vs native (x; 1 = native, above 1 = slower)'
set xlabel 'metric (bars: median ratio; whiskers: 95% bootstrap CI)'
set bmargin 7
set logscale y
set yrange [0.125:111]
plot 'overhead_mem.dat' using 2:3:4:xtic(1) title 'container', '' using 5:6:7 title 'vm', '' using 8:9:10 title 'oci-runc', '' using 11:12:13 title 'oci-crun', '' using 14:15:16 title 'docker', '' using 17:18:19 title 'podman', '' using 20:21:22 title 'containerd', 1 with lines dt 2 lw 2 lc rgb 'black' title 'native = 1'
set terminal svg size 2400,560 font 'DejaVu Sans,11' noenhanced
set output 'overhead_mem.svg'
replot
unset output
