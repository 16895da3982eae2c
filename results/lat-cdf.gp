# Latency CDFs of one backend (dmabench plot). Variables from the command line (-e):
#   datafile  plots/lat-<backend>.dat: one block per op/attrs, a quoted title line, then "ns fraction" rows
#   outfile   PNG to write      name  backend label      size  the block size in bytes (label)
if (!exists("datafile") || !exists("outfile")) { print "lat-cdf.gp: set datafile and outfile"; exit status 2 }
if (!exists("name")) name = "backend"
if (!exists("size")) size = ""
set terminal pngcairo size 1100,650 noenhanced font ",10"
set encoding utf8
set output outfile
set title sprintf("%s: latency CDF per op, %s (timed in the kernel)", name, size)
set xlabel "latency, µs (log scale)"
set ylabel "fraction of calls <= x"
set logscale x
set format x "%g"
set yrange [0:1]
set ytics 0.1
set grid xtics ytics mxtics
set key outside right top
stats datafile nooutput
plot for [i=0:STATS_blocks-1] datafile index i using ($1/1000):2 with steps lw 2 dt 1+i/8 title columnheader(1)
