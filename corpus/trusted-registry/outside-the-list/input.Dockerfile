ARG BASE=quay.io/acme/base:1.2
FROM ${BASE} AS base
FROM docker.io/library/python:3.12 AS py
FROM ghcr.io/acme/tools:1 AS tools
FROM ghcr.io/someone/tools:1 AS other
FROM base
