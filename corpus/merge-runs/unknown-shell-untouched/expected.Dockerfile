FROM mcr.microsoft.com/powershell:lts-ubuntu-22.04
SHELL ["pwsh", "-Command"]
RUN New-Item -ItemType Directory /app
RUN Set-Content /app/a.txt 'a'
