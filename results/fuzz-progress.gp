# A fuzz campaign over time (dmabench fuzz writes progress.tsv every 5 s and draws this at the end).
# Variables (-e): datafile RUNDIR/progress.tsv ("t_s programs cov ft corpus findings restarts boot event";
# event: restart when the VM died, end-of-boot, -), outfile PNG.
if (!exists("datafile") || !exists("outfile")) { print "fuzz-progress.gp: set datafile and outfile"; exit status 2 }
set terminal pngcairo size 1000,700 noenhanced font ",10"
set output outfile
set multiplot layout 2,1 title "dmabench fuzz: progress (dashed red lines: a VM died and the campaign restarted it)"
set grid
set key left top
set xlabel "campaign time (s)"
# restarts: one vertical line per "restart" event
restart(t, e) = (strcol(9) eq "restart") ? t : NaN
stats datafile using 2 nooutput
ymax = STATS_max > 0 ? STATS_max : 1
set ylabel "programs run"
plot datafile using 1:2 with lines lw 2 title "programs", \
     '' using (restart($1, 0)):(0):(0):(ymax) with vectors nohead dt 2 lc rgb "#e53935" title "restart"
set ylabel "features"
set y2label "corpus entries"
set y2tics
plot datafile using 1:3 with lines lw 2 title "cov (libFuzzer)", \
     '' using 1:4 with lines lw 2 title "ft", \
     '' using 1:5 axes x1y2 with lines lw 2 dt 3 title "corpus (right)"
unset multiplot
