# --- script ---
set terminal pngcairo size 1400,600 font 'DejaVu Sans,11' noenhanced
set output 'density_mem.png'
set multiplot layout 1,2 title "Memory per instance with N idle instances alive (median, 95% CI)\nhost fixhost, accelerator tcg, 3 sweeps per environment"
set ylabel 'MiB per instance'
set title 'host memory: MemAvailable drop / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
unset logscale y
set yrange [0:198]
set xzeroaxis lt -1 lc rgb '#888888'
plot 'density_mem.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm'
set ylabel 'MiB per instance (log)'
set title 'PSS of the instances'' processes / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.0203:297]
plot 'density_mem.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm'
unset multiplot
unset output
set terminal svg size 1400,600 font 'DejaVu Sans,11' noenhanced
set output 'density_mem.svg'
set multiplot layout 1,2 title "Memory per instance with N idle instances alive (median, 95% CI)\nhost fixhost, accelerator tcg, 3 sweeps per environment"
set ylabel 'MiB per instance'
set title 'host memory: MemAvailable drop / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
unset logscale y
set yrange [0:198]
set xzeroaxis lt -1 lc rgb '#888888'
plot 'density_mem.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm'
set ylabel 'MiB per instance (log)'
set title 'PSS of the instances'' processes / N'
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key below horizontal
set bmargin 6
set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'
set xrange [0.8:5]
set logscale y 10
set yrange [0.0203:297]
plot 'density_mem.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 1 title 'native', 'density_mem.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 2 title 'container', 'density_mem.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc 3 title 'vm'
unset multiplot
unset output
# --- data ---
# native mib_per_inst: n median ci_lo ci_hi
1 0.05 0.045 0.055
2 0.05 0.045 0.055
4 0.05 0.045 0.055


# container mib_per_inst: n median ci_lo ci_hi
1 0.1 0.09 0.11
2 0.1 0.09 0.11
4 0.1 0.09 0.11


# vm mib_per_inst: n median ci_lo ci_hi
1 150 135 165
2 150 135 165
4 150 135 165


# native pss_mib / n: n median ci_lo ci_hi
1 0.045 0.0405 0.0495
2 0.045 0.0405 0.0495
4 0.045 0.0405 0.0495


# container pss_mib / n: n median ci_lo ci_hi
1 0.09 0.081 0.099
2 0.09 0.081 0.099
4 0.09 0.081 0.099


# vm pss_mib / n: n median ci_lo ci_hi
1 135 121.5 148.5
2 135 121.5 148.5
4 135 121.5 148.5


