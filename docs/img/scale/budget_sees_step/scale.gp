set terminal pngcairo size 800,420
set grid
set xlabel 'clients'
set logscale x 2
set key left top
set output 'scale_tick_cpu.png'
set title 'server CPU per tick (median)'
set ylabel 'microseconds'
set logscale y
plot 'scale.dat' index 0 using 1:3 with linespoints lw 2 title '50 bodies', 'scale.dat' index 1 using 1:3 with linespoints lw 2 title '500 bodies', 'scale.dat' index 2 using 1:3 with linespoints lw 2 title '2000 bodies'
set output 'scale_tick_ratio.png'
set title 'ticks achieved / expected'
set ylabel 'ratio'
unset logscale y
plot 'scale.dat' index 0 using 1:2 with linespoints lw 2 title '50 bodies', 'scale.dat' index 1 using 1:2 with linespoints lw 2 title '500 bodies', 'scale.dat' index 2 using 1:2 with linespoints lw 2 title '2000 bodies'
set output 'scale_down_kbps.png'
set title 'payload down per client'
set ylabel 'kbit/s'
set logscale y
plot 'scale.dat' index 0 using 1:5 with linespoints lw 2 title '50 bodies', 'scale.dat' index 1 using 1:5 with linespoints lw 2 title '500 bodies', 'scale.dat' index 2 using 1:5 with linespoints lw 2 title '2000 bodies'
set output 'scale_forwarded_pps.png'
set title 'forwarded state packets per client'
set ylabel 'packets/s'
set logscale y
plot 'scale.dat' index 0 using 1:6 with linespoints lw 2 title '50 bodies', 'scale.dat' index 1 using 1:6 with linespoints lw 2 title '500 bodies', 'scale.dat' index 2 using 1:6 with linespoints lw 2 title '2000 bodies'
