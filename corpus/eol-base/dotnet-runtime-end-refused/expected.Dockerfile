FROM mcr.microsoft.com/dotnet/aspnet:3.1-buster-slim
RUN echo hi
