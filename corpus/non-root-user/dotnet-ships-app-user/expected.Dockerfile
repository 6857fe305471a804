FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled
WORKDIR /app
COPY publish/ .
USER 1654:1654
ENTRYPOINT ["dotnet", "Api.dll"]
