# The sharing matrix as a heatmap: backend x topology, each cell coloured by state (dmabench plot).
# Variables (-e): datafile plots/share-heatmap.dat ("x y backend topology state cells failed";
# state 0 ok, 1 expected failure, 2 failure, -1 not run), outfile PNG.
if (!exists("datafile") || !exists("outfile")) { print "share-heat.gp: set datafile and outfile"; exit status 2 }
set terminal pngcairo size 1000,640 noenhanced font ",10"
set output outfile
set title "Buffer sharing: cells per backend x topology (allocate on A, map on B, B's DMA checks the bytes)\ngreen ok, yellow expected failure, red failure, grey not run; label: failed/cells"
stats datafile using 1:2 nooutput
nx = int(STATS_max_x) + 1
ny = int(STATS_max_y) + 1
set xrange [-0.5:nx - 0.5]
set yrange [ny - 0.5:-0.5]
set cbrange [-1.5:2.5]
set palette defined (-1.5 "#c8c8c8", -0.5 "#c8c8c8", -0.5 "#4caf50", 0.5 "#4caf50", 0.5 "#ffc107", 1.5 "#ffc107", 1.5 "#e53935", 2.5 "#e53935")
unset colorbox
set tics scale 0
set xtics rotate by -30
plot datafile using 1:2:5 with image notitle, \
     '' using 1:2:(sprintf("%d/%d", $7, $6)):xtic(4) with labels notitle, \
     '' using (-1):2:ytic(3) with points pt -1 notitle
