FROM mcr.microsoft.com/dotnet/sdk:10.0-bullseye-slim
RUN echo hi
