# Kernel virtual address space per allocation against size, one backend (dmabench plot). Variables (-e):
#   datafile  plots/va-<backend>.dat: one block per API/attrs, a quoted title line, then "size_bytes kva_bytes"
#   outfile   PNG to write      name  backend label
# 0 bytes of VA (NO_KERNEL_MAPPING cookie, linear map) is drawn on the "0" line at the bottom.
if (!exists("datafile") || !exists("outfile")) { print "va.gp: set datafile and outfile"; exit status 2 }
if (!exists("name")) name = "backend"
set terminal pngcairo size 1000,620 noenhanced font ",10"
set output outfile
set title sprintf("%s: kernel VA per allocation (module's figure)\nwith and without DMA_ATTR_NO_KERNEL_MAPPING; 0 = no kernel mapping", name)
set xlabel "allocation size (log scale)"
set ylabel "kernel VA consumed (log scale)"
set logscale xy 2
floor = 1024
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864, "256M" 268435456)
set ytics ("0" floor, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864, "256M" 268435456)
set grid xtics ytics
set key outside right top
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
stats datafile nooutput
# points of overlapping series are drawn with different symbols and sizes so each stays visible
plot for [i=0:STATS_blocks-1] datafile index i using 1:($2 > 0 ? $2 : floor) with linespoints lw 2 pt (i+4) ps (2.8-0.45*i) dt 1+i%3 title columnheader(1)
