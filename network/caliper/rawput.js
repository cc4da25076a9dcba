'use strict';

// benchput's Put of a certificate-sized value under a distinct key: the
// raw baseline of metrotrace-bench network, driven by Caliper.
const { MetrotraceWorkload } = require('./workload-common');

class RawPut extends MetrotraceWorkload {
    async submitTransaction() {
        const { u, json } = this.next();
        await this.sutAdapter.sendRequests({
            contractId: 'benchput',
            contractFunction: 'Put',
            contractArguments: ['raw-' + JSON.parse(json).id, json],
            invokerIdentity: u.name,
            invokerMspId: u.msp,
            readOnly: false,
        });
    }
}

module.exports.createWorkloadModule = () => new RawPut();
