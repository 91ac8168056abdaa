namespace Generated.OpenAI.Simulator;

/// <summary>
/// A misbehaviour of the realtime simulator, triggered after <c>session.created</c> once the connection has
/// received <see cref="RealtimeSimulatorOptions.FaultAfterClientMessages"/> client messages.
/// </summary>
public enum RealtimeFault
{
    /// <summary>Behave.</summary>
    None,

    /// <summary>Write the first bytes of a text frame (header announcing 1,000 bytes, then 20) to the raw transport and abort the TCP connection.</summary>
    DropMidFrame,

    /// <summary>Stop reading and sending; the socket stays open until the client or the simulator gives up.</summary>
    Stall,

    /// <summary>Send one text message that is not JSON (<c>this is not json {</c>), then carry on.</summary>
    Garbage,

    /// <summary>Send one valid JSON text message of <see cref="RealtimeSimulatorOptions.OversizeMessageBytes"/> (20 MiB by default), then carry on.</summary>
    Oversize,

    /// <summary>Send <c>{"type":"future.event","x":1}</c>, then carry on.</summary>
    UnknownEvent,

    /// <summary>
    /// Voice agent: abort the TCP connection in the middle of the next response, after its second output audio chunk
    /// and transcript delta (the response never ends; its item stays <c>in_progress</c>): the first response that starts
    /// once the connection has received <see cref="RealtimeSimulatorOptions.FaultAfterClientMessages"/> client messages.
    /// </summary>
    DropMidResponse,
}
