# --- script ---
set terminal pngcairo size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'density_launch.png'
set title "Launch latency of the N-th instance with N-1 idle ones alive (launch call to ready; median, 95% CI)\nhost fixhost, accelerator tcg, 3 runs per environment"
set ylabel 'launch call to ready (ms, log)'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.225:5.78e+03]
plot 'density_launch.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_launch.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_launch.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm'
set terminal svg size 1000,600 font 'DejaVu Sans,11' noenhanced
set output 'density_launch.svg'
replot
unset output
# --- data ---
# native ready_ms: n median ci_lo ci_hi
1 0.5 0.45 0.55
2 0.625 0.5625 0.6875
3 0.75 0.675 0.825
4 0.875 0.7875 0.9625


# container ready_ms: n median ci_lo ci_hi
1 2 1.8 2.2
2 2.5 2.25 2.75
3 3 2.7 3.3
4 3.5 3.15 3.85


# vm ready_ms: n median ci_lo ci_hi
1 1500 1350 1650
2 1875 1687.5 2062.5
3 2250 2025 2475
4 2625 2362.5 2887.5


