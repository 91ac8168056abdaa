using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace Generated.OpenAI.Simulator;

/// <summary>A host lifetime that leaves process signals and exit to the process that embeds the host.</summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
