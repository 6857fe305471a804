FROM python
FROM python:3-slim
FROM python:slim
FROM node:lts
FROM node:current-alpine
FROM debian:stable
FROM someone/debian:stretch
FROM registry.example.com/python:3.7
