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
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Simulator;

/// <summary>Kestrel on 127.0.0.1 (an OS-chosen port unless one is given), running one terminal request delegate.</summary>
internal static class LoopbackHost
{
    public static async Task<(WebApplication App, Uri Root)> StartAsync(RequestDelegate handler, System.Collections.Generic.List<Exception> errors, CancellationToken cancellationToken, int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Generated.OpenAI.Simulator" });
        if (Environment.GetEnvironmentVariable("GENERATED_OPENAI_SIMULATOR_LOG") != "1")
        {
            // Quiet by default; GENERATED_OPENAI_SIMULATOR_LOG=1 keeps ASP.NET Core's console logging for diagnosis.
            builder.Logging.ClearProviders();
        }
        // A simulator runs inside someone else's process (the CLI, a test host): the default ConsoleLifetime would take
        // SIGINT and SIGTERM for itself (stopping only the simulator and swallowing the signal) and hold
        // Environment.Exit until the host is disposed, so the process could be stopped only with SIGKILL.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            try
            {
                await handler(context).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                lock (errors)
                {
                    errors.Add(exception);
                }

                throw;
            }
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute);
        return (app, root);
    }
}
