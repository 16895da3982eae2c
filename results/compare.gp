# The chart of `dmabench compare --plot FILE.png`: every tested latency metric's change from base to
# new, with its interval, verdicts coloured. Variables (-e): datafile FILE.dat ("i metric change_pct
# lo_pct hi_pct verdict", verdict 0 same, 1 regressed, 2 improved), outfile PNG, name "BASE -> NEW",
# size: the threshold in %.
if (!exists("datafile") || !exists("outfile")) { print "compare.gp: set datafile and outfile"; exit status 2 }
if (!exists("name")) name = "base -> new"
if (!exists("size")) size = "5"
thr = real(size)
stats datafile using 1 nooutput
n = STATS_records
set terminal pngcairo size 1000, (160 + 14 * n) noenhanced font ",9"
set output outfile
set title sprintf("dmabench compare %s\nchange of the median (%%) with its interval: red regressed, green improved, grey no verdict\n(within the noise or the resolution floor); dashed: the +-%.1f %% threshold", name, thr)
set xlabel "change of the median, new against base (%)"
set yrange [n - 0.5:-0.5]
set ytics font ",8"
set grid xtics
set key off
set arrow from thr, graph 0 to thr, graph 1 nohead dt 2 lc rgb "#888888"
set arrow from -thr, graph 0 to -thr, graph 1 nohead dt 2 lc rgb "#888888"
set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb "#000000"
colour(v) = v == 1 ? 0xe53935 : v == 2 ? 0x43a047 : 0x9e9e9e
plot datafile using 3:1:4:5:(colour($6)):ytic(2) with xerrorbars pt 7 ps 0.8 lc rgb variable
