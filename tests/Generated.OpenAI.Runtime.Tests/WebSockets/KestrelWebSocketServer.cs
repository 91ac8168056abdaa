using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// Kestrel with <c>UseWebSockets()</c> on 127.0.0.1, port 0. Endpoints: <c>/echo</c> echoes every message
/// chunk by chunk (messages over 64 KiB therefore come back fragmented), <c>/close</c> closes from the server,
/// <c>/deny</c> answers 401. Observed request headers and close statuses are recorded for assertions.
/// </summary>
public sealed class KestrelWebSocketServer : IAsyncLifetime
{
    private WebApplication? _app;

    public ConcurrentQueue<(string? Authorization, string? SafetyIdentifier, string? SubProtocol)> Requests { get; } = new();

    public ConcurrentQueue<WebSocketCloseStatus?> ServerObservedCloseStatuses { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    public Uri? SecureBaseUri { get; private set; }

    internal X509Certificate2? Certificate { get; set; }

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Limits.MaxRequestBodySize = null;
            options.Listen(IPAddress.Loopback, 0);
            if (Certificate is not null)
            {
                options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate));
            }
        });
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        string[] addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        BaseUri = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("http://", "ws://", StringComparison.Ordinal));
        string? secure = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
        SecureBaseUri = secure is null ? null : new Uri(secure.Replace("https://", "wss://", StringComparison.Ordinal));
    }

    public Uri Endpoint(string path) => new(BaseUri, path);

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path == "/deny")
        {
            context.Response.StatusCode = 401;
            context.Response.Headers["WWW-Authenticate"] = "Bearer realm=\"test\"";
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 25;
            await context.Response.WriteAsync("{\"error\":\"invalid_key_x\"}");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        string? subProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null;
        Requests.Enqueue((context.Request.Headers.Authorization.ToString(), context.Request.Headers["OpenAI-Safety-Identifier"].ToString(), subProtocol));
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol);
        if (context.Request.Path == "/close")
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return;
        }

        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ServerObservedCloseStatuses.Enqueue(socket.CloseStatus);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // Client aborted.
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
