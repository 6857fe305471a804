# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build
RUN echo a `
    b
EXPOSE 80/tcp
RUN <<EOT
run

EOT
FROM build
COPY --from=build C:/a C:/b
