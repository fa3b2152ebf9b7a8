set terminal pngcairo size 1000,650 font 'DejaVu Sans,11' noenhanced
set output 'footprint.png'
set title "What one idle instance costs the host: memory by component (medians)\nhost vm, accelerator tcg, 5 runs per environment"
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.6
set grid ytics lc rgb '#dddddd'
set key outside below horizontal maxrows 2
set bmargin 9
set ylabel 'host memory (MiB)'
set xlabel 'environment (labels, MiB: PSS of its host processes; host = MemAvailable drop, or noise where it cannot be told from 0)'
set yrange [0:291]
set datafile separator whitespace
plot 'footprint.dat' using 2:xtic(1) lc rgb '#4c72b0' title 'guest RAM touched', '' using 3 lc rgb '#8172b2' title 'TCG translation cache', '' using 4 lc rgb '#64b5cd' title 'VMM (QEMU) own memory', '' using 5 lc rgb '#b3d9e6' title 'VMM file pages (binary, kernel image)', '' using 6 lc rgb '#dd8452' title 'runtime beside it (runc/crun, shim, conmon)', '' using 7 lc rgb '#55a868' title 'workload processes', '' using 8 lc rgb '#937860' title 'page tables', '' using 9 lc rgb '#c44e52' title 'kernel, other (MemAvailable less the rest)', '' using 0:12:(sprintf('PSS %.3g', column(11))) with labels offset 0,2.4 notitle, '' using 0:12:13 with labels offset 0,1.2 notitle
set terminal svg size 1000,650 font 'DejaVu Sans,11' noenhanced
set output 'footprint.svg'
replot
unset output
