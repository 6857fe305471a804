FROM ubuntu:24.04
FROM ghcr.io/org/app:1
