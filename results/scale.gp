# Throughput against threads of one op over every backend (dmabench plot, job scale). Variables (-e):
#   datafile  plots/scale-<op>.dat: one block per backend and granule, a quoted title line (with the
#             guest's vCPUs and the host's cores), then "threads ops_per_s efficiency" rows
#   outfile   PNG to write      name  the op
if (!exists("datafile") || !exists("outfile")) { print "scale.gp: set datafile and outfile"; exit status 2 }
if (!exists("name")) name = "op"
set terminal pngcairo size 1200,900 noenhanced font ",10"
set encoding utf8
set output outfile
stats datafile using 1 nooutput
set multiplot layout 2,1 title sprintf("%s: throughput against threads (kernel threads bound to vCPUs; under TCG only as many vCPUs run at once as the host has cores)", name)
set xlabel "threads"
set xtics 1
set xrange [0.8:STATS_max + 0.2]
set grid xtics ytics mytics
set key outside right top
set ylabel "ops/s (map+unmap or alloc+free pairs, log scale)"
set logscale y
plot for [i=0:STATS_blocks-1] datafile index i using 1:2 with linespoints lw 2 pt 7 dt 1+i/8 title columnheader(1)
unset logscale y
set ylabel "scaling efficiency (speedup / threads)"
set yrange [0:*]
plot for [i=0:STATS_blocks-1] datafile index i using 1:3 with linespoints lw 2 pt 7 dt 1+i/8 title columnheader(1), \
     1 with lines lc rgb "gray" dt 2 title "ideal"
unset multiplot
