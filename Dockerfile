# The dashboard's image: built with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
#   docker build -t fleet-dashboard .
# Configured only through the environment (see README.md, "Deploy"); docker-compose.yml is the quick start.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# Release: the WebAssembly client is trimmed and its files precompressed; the server itself is not trimmed.
RUN dotnet publish Dashboard.Server -c Release -o /app -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
# Where the compose demo's simulator writes its kubeconfig (a volume takes this folder's owner).
RUN mkdir /demo && chown 1654:1654 /demo
EXPOSE 8080
# 1654 is "app", the non-root user of the .NET images; numeric, so Kubernetes' runAsNonRoot can check it.
USER 1654
# `health` asks this container's own /healthz (the image has no curl) and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "/app/Dashboard.Server.dll", "health"]
ENTRYPOINT ["dotnet", "/app/Dashboard.Server.dll"]
