namespace Generated.OpenAI.Simulator;

/// <summary>What the REST simulator does instead of answering a request.</summary>
public enum RestFaultKind
{
    /// <summary>429 with a <c>Retry-After</c> header and an OpenAI <c>rate_limit_exceeded</c> error body.</summary>
    TooManyRequests,

    /// <summary>500 with an OpenAI <c>server_error</c> body.</summary>
    ServerError,

    /// <summary>No response until the client gives up (or the simulator is disposed).</summary>
    Stall,

    /// <summary>The connection is aborted without a response (<c>HttpContext.Abort()</c>).</summary>
    DropConnection,
}
