set terminal pngcairo size 1200,560 font 'DejaVu Sans,11' noenhanced
set output 'disklat.png'
set title "Disk latency percentiles, O_DIRECT, queue depth 1 (medians over runs)\nhost vm, accelerator tcg, 5 runs per environment"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set grid ytics lc rgb '#dddddd'
set xtics rotate by -35 nomirror
set key outside top center horizontal
set bmargin 7
set ylabel 'latency per I/O (us, log)'
set xlabel 'pattern and percentile'
plot 'disklat.dat' using 2:xtic(1) title 'native', '' using 3 title 'container', '' using 4 title 'vm', '' using 5 title 'oci-runc', '' using 6 title 'oci-crun', '' using 7 title 'docker', '' using 8 title 'podman', '' using 9 title 'containerd'
set terminal svg size 1200,560 font 'DejaVu Sans,11' noenhanced
set output 'disklat.svg'
replot
unset output
