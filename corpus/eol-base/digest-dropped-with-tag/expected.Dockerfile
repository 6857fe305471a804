FROM debian:trixie-slim AS base
RUN echo hi
