# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ARG NUGET_API_KEY
RUN nuget push pkg.nupkg -ApiKey %NUGET_API_KEY%
