# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
LABEL maintainer="Team `$Ops"
