# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:11111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
RUN dir c:\ `
    && echo hi
