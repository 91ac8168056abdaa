namespace Generated.OpenAI.Simulator;

/// <summary>Where a simulated SIP call is in its life.</summary>
public enum SimulatedCallState
{
    /// <summary>The <c>realtime.call.incoming</c> webhook was sent; the call waits for accept or reject.</summary>
    Ringing,

    /// <summary>Accepted with a session configuration: sideband WebSockets may attach.</summary>
    Accepted,

    /// <summary>Declined with a SIP status code (<see cref="SimulatedCall.RejectStatusCode"/>).</summary>
    Rejected,

    /// <summary>Transferred with a SIP REFER (<see cref="SimulatedCall.ReferTargetUri"/>); the call left the API and its sideband sessions were closed.</summary>
    Referred,

    /// <summary>Hung up: its sideband sessions were closed.</summary>
    Ended,
}
