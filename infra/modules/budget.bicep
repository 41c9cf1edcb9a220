// A Cost Management budget on this resource group, counting only costs that carry the deployment's budget tags, with
// an e-mail alert per threshold of actual spend.
targetScope = 'resourceGroup'

@maxLength(63)
param name string

@description('Amount per period, in the billing currency.')
@minValue(1)
param amount int

@allowed([
  'Monthly'
  'Quarterly'
  'Annually'
])
param timeGrain string

@description('First day of a month, YYYY-MM-01. Azure accepts only the current month on creation and never a change afterwards.')
param startDate string

@description('Percentages of the amount that send an alert, at most 5.')
@minLength(1)
@maxLength(5)
param thresholds array

@minLength(1)
param contactEmails array

@description('Tags a cost must carry to count; all of them (AND). Empty: every cost of the resource group.')
param tags object

var tagConditions = [for tag in items(tags): {
  tags: {
    name: tag.key
    operator: 'In'
    values: [
      string(tag.value)
    ]
  }
}]

// The API takes one condition as is and several under "and" (which needs at least two).
var tagFilter = length(tagConditions) == 0 ? {} : {
  filter: length(tagConditions) == 1 ? tagConditions[0] : {
    and: tagConditions
  }
}

var notifications = toObject(thresholds, threshold => 'Actual_GreaterThanOrEqualTo_${threshold}_Percent', threshold => {
  enabled: true
  operator: 'GreaterThanOrEqualTo'
  threshold: threshold
  thresholdType: 'Actual'
  contactEmails: contactEmails
})

resource budget 'Microsoft.Consumption/budgets@2024-08-01' = {
  name: name
  properties: union({
    category: 'Cost'
    amount: amount
    timeGrain: timeGrain
    timePeriod: {
      startDate: startDate
    }
    notifications: notifications
  }, tagFilter)
}

output name string = budget.name
