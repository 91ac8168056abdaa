using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Realtime;

/// <summary>Runs a function tool: gets the model's JSON arguments and returns the output text (usually JSON) for the model.</summary>
/// <param name="argumentsJson">The <c>arguments</c> the model produced (JSON text).</param>
/// <param name="cancellationToken">Cancelled when the session is disposed.</param>
public delegate ValueTask<string> RealtimeFunctionHandler(string argumentsJson, CancellationToken cancellationToken);
