FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
ARG NUGET_API_KEY
RUN nuget push pkg.nupkg -ApiKey $env:NUGET_API_KEY
