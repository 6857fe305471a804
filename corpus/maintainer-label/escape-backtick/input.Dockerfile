# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
MAINTAINER Team $Ops
