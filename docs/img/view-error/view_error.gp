set terminal pngcairo size 900,420
set grid
set xlabel 'time (s)'
set ylabel 'error (cm)'
set output 'view_error_default.png'
set title 'default, 100 ms RTT, 5 % loss'
plot 'view_error_default.dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'
set output 'view_error_raw.png'
set title 'raw, 100 ms RTT, 5 % loss'
plot 'view_error_raw.dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'
set output 'view_error_interpolate.png'
set title 'interpolate, 100 ms RTT, 5 % loss'
plot 'view_error_interpolate.dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'
set output 'view_error_extrapolate.png'
set title 'extrapolate, 100 ms RTT, 5 % loss'
plot 'view_error_extrapolate.dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'
set output 'view_error_predict.png'
set title 'predict, 100 ms RTT, 5 % loss'
plot 'view_error_predict.dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'
set output 'view_error_modes.png'
set title 'RMS error of moving entities, every mode'
set logscale y
set key outside
plot 'view_error_default.dat' using 1:2 with lines title 'default', 'view_error_raw.dat' using 1:2 with lines title 'raw', 'view_error_interpolate.dat' using 1:2 with lines title 'interpolate', 'view_error_extrapolate.dat' using 1:2 with lines title 'extrapolate', 'view_error_predict.dat' using 1:2 with lines title 'predict'
