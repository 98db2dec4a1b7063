#!/bin/sh
# Instructions per call of each scenario of writers.c (cachegrind, two runs differenced).
# Usage: bench/writers/run-writers.sh PROGRAM
prog=${1:?usage: run-writers.sh PROGRAM}
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$prog" "$1" "$2" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}
for s in none short bytes long price fixed i64; do
    a=$(count $s 20000)
    b=$(count $s 40000)
    echo "$s $(( (b - a) / 20000 ))"
done
