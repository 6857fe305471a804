from ubuntu:bionic as base
run echo hi
