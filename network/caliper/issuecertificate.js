'use strict';

// IssueCertificate of a distinct certificate per transaction, each by the
// recorder of its issuer institution (metrotrace-bench network's
// metrotrace phase, driven by Caliper).
const { MetrotraceWorkload } = require('./workload-common');

class IssueCertificate extends MetrotraceWorkload {
    async submitTransaction() {
        const { u, json } = this.next();
        await this.sutAdapter.sendRequests({
            contractId: 'metrotrace',
            contractFunction: 'IssueCertificate',
            contractArguments: [json],
            invokerIdentity: u.name,
            invokerMspId: u.msp,
            readOnly: false,
        });
    }
}

module.exports.createWorkloadModule = () => new IssueCertificate();
