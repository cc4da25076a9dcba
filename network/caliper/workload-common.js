'use strict';

// Shared by the two workload modules: each Caliper worker takes the
// submitters whose index is its own modulo the number of workers, and
// sends from them in turn; every transaction gets an id of its own.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

class MetrotraceWorkload extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.users = roundArguments.users.filter((_, i) => i % totalWorkers === workerIndex);
        if (this.users.length === 0) {
            throw new Error(`worker ${workerIndex} of ${totalWorkers} has no submitter: give at least as many users as workers`);
        }
        this.certificate = roundArguments.certificate;
        this.prefix = `K${roundArguments.runId}-${roundIndex}-${workerIndex}-`;
        this.seq = 0;
    }

    // next returns the submitter and a certificate of its institution with
    // an id of its own.
    next() {
        const u = this.users[this.seq % this.users.length];
        const c = Object.assign({}, this.certificate, { id: this.prefix + this.seq, issuer_id: u.institution });
        this.seq++;
        return { u, json: JSON.stringify(c) };
    }
}

module.exports = { MetrotraceWorkload };
