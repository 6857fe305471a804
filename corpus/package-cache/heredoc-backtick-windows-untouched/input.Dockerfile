FROM python:3.12
RUN <<EOF
pip install flask
EOF
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN npm install -g yarn
