set terminal pngcairo size 900,560 font 'DejaVu Sans,11' noenhanced
set output 'startup.png'
set title "Start-up: launch call to ready, exit and teardown (medians)\nhost vm, accelerator tcg, 5 runs per environment"
set style fill solid 0.85 border -1
set grid ytics lc rgb '#dddddd'
set key outside right top vertical
set ylabel 'time since the launch call (ms)'
set xlabel 'environment (label: median total, launch call to torn down)'
set logscale y
set yrange [0.107:1.14e+04]
set xrange [-0.6:7.6]
set xtics ('native' 0, 'container' 1, 'vm' 2, 'oci-runc' 3, 'oci-crun' 4, 'docker' 5, 'podman' 6, 'containerd' 7)
base = 0.107216
plot 'startup.dat' using 0:2:($0-0.3):($0+0.3):(base):2 with boxxyerror title 'launch call', '' using 0:3:($0-0.3):($0+0.3):2:3 with boxxyerror title 'to ready', '' using 0:4:($0-0.3):($0+0.3):3:4 with boxxyerror title 'to exit', '' using 0:5:($0-0.3):($0+0.3):4:5 with boxxyerror title 'teardown', '' using 0:5:(sprintf('%.4g ms', $5)) with labels offset 0,1 notitle
set terminal svg size 900,560 font 'DejaVu Sans,11' noenhanced
set output 'startup.svg'
replot
unset output
