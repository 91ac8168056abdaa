using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Runtime.Tests.Http;

/// <summary>A real Kestrel server on 127.0.0.1 with a dynamic port; the handler gets the 1-based request number.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LocalServer(WebApplication app) => _app = app;

    /// <summary>The server root, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri Root { get; private set; } = null!;

    /// <summary>The root plus <c>/v1</c>, shaped like the API's base URL.</summary>
    public Uri BaseUrl => new(Root, "v1");

    /// <summary>How many requests arrived.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<LocalServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new LocalServer(app);
        app.Run(context => handler(context, Interlocked.Increment(ref server._requests)));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Root = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
