# Kernel VA of a 1 MiB dma_alloc_attrs by kernel and backend, without and with NO_KERNEL_MAPPING
# (dmabench plot, runs over several kernels). Variables (-e): datafile plots/va-kernels.dat (two
# blocks, "none" then "NKM": a head line with the kernels, then "backend v1 v2 ..."),
# size: the number of kernels, outfile PNG.
if (!exists("datafile") || !exists("outfile")) { print "va-kernels.gp: set datafile and outfile"; exit status 2 }
set terminal pngcairo size 1100,760 noenhanced font ",10"
set output outfile
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "kernel VA bytes (KiB)"
set xtics rotate by -30
set key outside right top
set grid ytics
set yrange [0:*]
if (!exists("size")) size = "1"
nk = int(size)   # the number of kernels (columns after the backend's), set by dmabench plot
set multiplot layout 2,1 title "1 MiB dma_alloc_attrs: kernel VA by kernel (module's figure; no bar: 0 bytes, or not run)"
set title "without attributes"
plot for [k=2:nk+1] datafile index 0 using (column(k)/1024):xtic(1) title columnheader(k)
set title "DMA_ATTR_NO_KERNEL_MAPPING"
plot for [k=2:nk+1] datafile index 1 using (column(k)/1024):xtic(1) title columnheader(k)
unset multiplot
