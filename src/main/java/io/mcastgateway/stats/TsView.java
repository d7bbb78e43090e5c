package io.mcastgateway.stats;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A sender's MPEG-TS figures as the API shows them (ETSI TR 101 290 priority 1 checks, see
 * {@link TsAnalyser}).
 *
 * @param packets TS packets received
 * @param bitrate bits per second over the last complete second (all PIDs)
 * @param inSync false after 2 consecutive bad sync bytes, until 5 good ones follow
 * @param syncLosses times the stream lost sync (1.1)
 * @param syncByteErrors packets whose first byte was not 0x47 (1.2)
 * @param continuityErrors continuity counter errors, all PIDs (1.4)
 * @param patErrors PAT absent longer than 0.5 s (once per absence), other tables or scrambling on PID 0 (1.3)
 * @param pmtErrors a PMT named by the PAT absent longer than 0.5 s (once per absence), or scrambled (1.5)
 * @param pat ok, missing (none for longer than 0.5 s) or never seen, as of the sender's latest datagram
 * @param programs the programs the PAT names, with their PMT PID and its state (ok, missing, never seen)
 * @param pidCount PIDs seen (tracked up to 64)
 * @param untrackedPackets packets of PIDs beyond the 64 tracked (not checked)
 * @param untrackedPrograms programs beyond the 16 tracked (their PMTs not checked)
 * @param lastError the kind of the latest error (sync loss, sync byte, pat, continuity, pmt), or null
 * @param lastErrorAt when it was seen, or null
 * @param pids per PID (only in {@code GET /api/sources/{channel}/{source}}), by PID
 */
public record TsView(long packets, long bitrate, boolean inSync, long syncLosses, long syncByteErrors,
        long continuityErrors, long patErrors, long pmtErrors, String pat, List<Pmt> programs, int pidCount,
        long untrackedPackets, long untrackedPrograms, String lastError, Instant lastErrorAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Pid> pids) {

    /**
     * @param program the program number
     * @param pid the PID of its PMT
     * @param state ok, missing (none for longer than 0.5 s) or never seen
     */
    public record Pmt(int program, int pid, String state) {
    }

    /**
     * @param pid the PID
     * @param packets packets received
     * @param bitrate bits per second over the last complete second
     * @param continuityErrors continuity counter errors on it
     * @param lastContinuityErrorAt when the latest was seen, or null
     */
    public record Pid(int pid, long packets, long bitrate, long continuityErrors, Instant lastContinuityErrorAt) {
    }
}
