set terminal pngcairo size 1300,290 font 'DejaVu Sans,11' noenhanced
set output 'isolation.png'
set ytics ("mem lat_16M" 0)
set palette defined (0 '#ffffff', 1 '#fee08b', 2 '#fc8d59', 4 '#d73027')
set cbrange [1:2]
set cblabel 'slowdown (x, 1 = as alone)'
set xrange [-0.5:0.5]
set yrange [0.5:-0.5]
set xtics rotate by -30 nomirror
set tics scale 0
unset key
set style fill solid 1.0 noborder
set xtics ("bw100" 0)
set colorbox user origin screen 0.935, screen 0.25 size screen 0.015, screen 0.5
set multiplot layout 1,8 margins 0.115,0.915,0.276,0.707 spacing 0.02 title "Noisy neighbours: slowdown beside an antagonist (median; 1 = as alone)\nhost vm, accelerator tcg, 5 runs per environment; antagonist = name + duty %"
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
unset colorbox
plot 'isolation.dat' index 2 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 2 using 1:2:4 with labels
set title 'oci-runc'
unset colorbox
plot 'isolation.dat' index 3 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 3 using 1:2:4 with labels
set title 'oci-crun'
unset colorbox
plot 'isolation.dat' index 4 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 4 using 1:2:4 with labels
set title 'docker'
unset colorbox
plot 'isolation.dat' index 5 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 5 using 1:2:4 with labels
set title 'podman'
unset colorbox
plot 'isolation.dat' index 6 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 6 using 1:2:4 with labels
set title 'containerd'
set colorbox
plot 'isolation.dat' index 7 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 7 using 1:2:4 with labels
unset multiplot
unset output
set terminal svg size 1300,290 font 'DejaVu Sans,11' noenhanced
set output 'isolation.svg'
set ytics ("mem lat_16M" 0)
set colorbox user origin screen 0.935, screen 0.25 size screen 0.015, screen 0.5
set multiplot layout 1,8 margins 0.115,0.915,0.276,0.707 spacing 0.02 title "Noisy neighbours: slowdown beside an antagonist (median; 1 = as alone)\nhost vm, accelerator tcg, 5 runs per environment; antagonist = name + duty %"
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
unset colorbox
plot 'isolation.dat' index 2 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 2 using 1:2:4 with labels
set title 'oci-runc'
unset colorbox
plot 'isolation.dat' index 3 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 3 using 1:2:4 with labels
set title 'oci-crun'
unset colorbox
plot 'isolation.dat' index 4 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 4 using 1:2:4 with labels
set title 'docker'
unset colorbox
plot 'isolation.dat' index 5 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 5 using 1:2:4 with labels
set title 'podman'
unset colorbox
plot 'isolation.dat' index 6 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 6 using 1:2:4 with labels
set title 'containerd'
set colorbox
plot 'isolation.dat' index 7 using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \
     '' index 7 using 1:2:4 with labels
unset multiplot
unset output
