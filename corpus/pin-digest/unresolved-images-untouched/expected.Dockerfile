FROM python:3.12
FROM registry.internal:5000/app:1
