from ubuntu:24.04 as base
run echo hi
