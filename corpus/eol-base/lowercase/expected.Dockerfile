from ubuntu:resolute as base
run echo hi
