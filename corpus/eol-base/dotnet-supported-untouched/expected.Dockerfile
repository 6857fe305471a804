FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN echo hi
