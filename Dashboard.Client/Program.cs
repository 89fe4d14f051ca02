using Dashboard.Client.Access;
using Dashboard.Client.Layout;
using Dashboard.Client.Live;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MudBlazor.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);

builder.Services.AddMudServices();
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddScoped<CurrentSession>();
builder.Services.AddScoped<DashboardApi>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IFleetConnection, FleetConnection>();
builder.Services.AddScoped<ThemePreference>();
builder.Services.AddSingleton<LiveViews>();

await builder.Build().RunAsync();
