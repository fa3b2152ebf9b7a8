# --- script ---
set terminal pngcairo size 900,350 font 'DejaVu Sans,11' noenhanced
set output 'isolation.png'
set ytics ("cpu int_time" 0, "mem triad_bw" 1)
set palette defined (0 '#ffffff', 1 '#fee08b', 2 '#fc8d59', 4 '#d73027')
set cbrange [1:2]
set cblabel 'slowdown (x, 1 = as alone)'
set xrange [-0.5:1.5]
set yrange [1.5:-0.5]
set xtics rotate by -30 nomirror
set tics scale 0
unset key
set style fill solid 1.0 noborder
set xtics ("spin100" 0, "bw100" 1)
set colorbox user origin screen 0.898, screen 0.25 size screen 0.015, screen 0.5
set multiplot layout 1,3 margins 0.167,0.878,0.229,0.757 spacing 0.02 title "Noisy neighbours: slowdown beside an antagonist (median; 1 = as alone)\nhost fixhost, accelerator tcg, 3 runs per environment; antagonist = name + duty %"
set title 'native'
unset colorbox
plot 'isolation.dat' index 0 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 0 using 1:2:4 with labels
set title 'container'
unset ytics
unset colorbox
plot 'isolation.dat' index 1 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 1 using 1:2:4 with labels
set title 'vm'
set colorbox
plot 'isolation.dat' index 2 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 2 using 1:2:4 with labels
unset multiplot
unset output
set terminal svg size 900,350 font 'DejaVu Sans,11' noenhanced
set output 'isolation.svg'
set ytics ("cpu int_time" 0, "mem triad_bw" 1)
set colorbox user origin screen 0.898, screen 0.25 size screen 0.015, screen 0.5
set multiplot layout 1,3 margins 0.167,0.878,0.229,0.757 spacing 0.02 title "Noisy neighbours: slowdown beside an antagonist (median; 1 = as alone)\nhost fixhost, accelerator tcg, 3 runs per environment; antagonist = name + duty %"
set title 'native'
unset colorbox
plot 'isolation.dat' index 0 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 0 using 1:2:4 with labels
set title 'container'
unset ytics
unset colorbox
plot 'isolation.dat' index 1 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 1 using 1:2:4 with labels
set title 'vm'
set colorbox
plot 'isolation.dat' index 2 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 2 using 1:2:4 with labels
unset multiplot
unset output
# --- data ---
# native: column row slowdown label
0 0 1.02 "1.02x"
1 0 1.04 "1.04x"
0 1 1 "1.00x"
1 1 1.25 "1.25x"
-10 -10 1 ""


# container: column row slowdown label
0 0 1.02 "1.02x"
1 0 1.04 "1.04x"
0 1 1 "1.00x"
1 1 1.3 "1.30x"
-10 -10 1 ""


# vm: column row slowdown label
0 0 1.1 "1.10x"
1 0 1 "1.00x"
0 1 1.05 "1.05x"
1 1 1.1 "1.10x"
-10 -10 1 ""


